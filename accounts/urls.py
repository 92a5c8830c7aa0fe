from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("2fa/", views.two_factor_setup, name="two_factor_setup"),
    path("2fa/codes/", views.two_factor_codes, name="two_factor_codes"),
    path("2fa/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("2fa/off/", views.two_factor_disable, name="two_factor_disable"),
    path("lockouts/", views.lockout_list, name="lockout_list"),
    path("lockouts/<int:pk>/unlock/", views.lockout_unlock, name="lockout_unlock"),
    path("users/", views.user_security_list, name="user_security_list"),
    path("users/<int:pk>/2fa-reset/", views.user_two_factor_reset, name="user_two_factor_reset"),
    path("users/<int:pk>/2fa-exempt/", views.user_two_factor_exempt, name="user_two_factor_exempt"),
]
