"""The "review" namespace (/review/): 法制审核 and 集体讨论 pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from review import views

app_name = "review"
urlpatterns: list[URLPattern] = [
    path("", views.queue, name="queue"),
    path("submissions/", views.submissions, name="submissions"),
    path("approvals/", views.approvals, name="approvals"),
    path("register/", views.register, name="register"),
    path("policy/", views.policy, name="policy"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/opinion/", views.opinion, name="opinion"),
    path("<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/extension/", views.extension, name="extension"),
    path("extensions/<int:pk>/decide/", views.decide_extension, name="decide_extension"),
    path("case/<int:case_id>/", views.case_reviews, name="case_reviews"),
    path("case/<int:case_id>/submit/", views.submit, name="submit"),
    path("case/<int:case_id>/discussion/", views.discussion, name="discussion"),
    path("discussions/<int:pk>/sign/", views.sign_discussion, name="sign_discussion"),
]
