// Every string a user reads is in one catalogue, shared/i18n/strings.json (this folder's
// strings.json links to it): `web` serves it here and projections beside its dashboard, so
// every page reads the same strings. Keys are grouped: `t("status.accepted")`.
import STRINGS from "./strings.json" with { type: "json" };

export { STRINGS };
