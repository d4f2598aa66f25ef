"""The delivery port and its adapters: SMS over an HTTP gateway, e-mail over SMTP, letters printed."""
