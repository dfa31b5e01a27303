from django.urls import path

from org import views

app_name = "org"
urlpatterns = [
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/new/", views.agency_create, name="agency_create"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("agencies/<int:agency_pk>/departments/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("agencies/<int:agency_pk>/leading-group/", views.leading_group_edit, name="leading_group_edit"),
    path("agencies/<int:agency_pk>/leading-group/members/new/", views.member_create, name="member_create"),
    path("leading-group/members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("leading-group/members/<int:pk>/delete/", views.member_delete, name="member_delete"),
]
