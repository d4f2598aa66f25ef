from shared.serve import serve

serve("services.projections.app:build", default_port=8004)
