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

# 事前公开: 执法主体 and 执法人员/执法证
urlpatterns += [
    path("subjects/", views.subject_list, name="subject_list"),
    path("subjects/<int:agency_pk>/", views.subject_detail, name="subject_detail"),
    path("subjects/<int:agency_pk>/edit/", views.subject_edit, name="subject_edit"),
    path("subjects/<int:agency_pk>/submit/", views.subject_submit, name="subject_submit"),
    path("subjects/<int:agency_pk>/approve/", views.subject_approve, name="subject_approve"),
    path("subjects/<int:agency_pk>/return/", views.subject_return, name="subject_return"),
    path("subjects/<int:agency_pk>/reconfirm/", views.subject_reconfirm, name="subject_reconfirm"),
    path("publicity-review/", views.review_queue, name="review_queue"),
    path("officers/", views.officer_list, name="officer_list"),
    path("agencies/<int:agency_pk>/officers/new/", views.officer_create, name="officer_create"),
    path("officers/<int:pk>/", views.officer_detail, name="officer_detail"),
    path("officers/<int:pk>/edit/", views.officer_edit, name="officer_edit"),
    path("officers/<int:pk>/photo/", views.officer_photo, name="officer_photo"),
    path("officers/<int:pk>/submit/", views.officer_submit, name="officer_submit"),
    path("officers/<int:pk>/approve/", views.officer_approve, name="officer_approve"),
    path("officers/<int:pk>/return/", views.officer_return, name="officer_return"),
    path("officers/<int:pk>/deactivate/", views.officer_deactivate, name="officer_deactivate"),
    path("certificates/<int:pk>/status/", views.certificate_status, name="certificate_status"),
]
