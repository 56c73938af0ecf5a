app_name = "mentorship"

urlpatterns: list = []
