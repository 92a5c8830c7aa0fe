from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("register/", views.RegisterListView.as_view(), name="register_list"),
]
