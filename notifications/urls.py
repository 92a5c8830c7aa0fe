from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("bell/", views.notification_bell, name="notification_bell"),
    path("<int:pk>/open/", views.notification_open, name="notification_open"),
    path("read-all/", views.notification_read_all, name="notification_read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("mail/", views.mail_list, name="mail_list"),
    path("mail/<int:pk>/retry/", views.mail_retry, name="mail_retry"),
]
