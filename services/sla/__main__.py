from shared.serve import serve

serve("services.sla.app:build", default_port=8003)
