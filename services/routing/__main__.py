from shared.serve import serve

serve("services.routing.app:build", default_port=8002)
