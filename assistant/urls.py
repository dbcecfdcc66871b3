from django.urls import path

from . import views

app_name = "assistant"
urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("new/", views.session_new, name="session-new"),
    path("<int:session_id>/", views.chat, name="chat"),
    path("<int:session_id>/link/", views.session_link, name="link"),
    path("<int:session_id>/close/", views.session_close, name="close"),
    path("<int:session_id>/messages/", views.message_send, name="message-send"),
    path("<int:session_id>/messages/<int:message_id>/", views.message_detail, name="message"),
    path(
        "<int:session_id>/messages/<int:message_id>/retry/",
        views.message_retry,
        name="message-retry",
    ),
    path("actions/<int:action_id>/complete/", views.action_complete, name="action-complete"),
]
