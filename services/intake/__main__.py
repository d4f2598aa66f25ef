from shared.serve import serve

serve("services.intake.app:build", default_port=8001)
