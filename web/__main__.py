from shared.serve import serve

serve("web.app:build", default_port=8000)
