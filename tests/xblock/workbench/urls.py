"""The workbench's URLs and the plugin's, as the LMS mounts the plugin's through its plugin framework."""

from django.urls import include, path
from workbench.urls import urlpatterns as workbench_urls

urlpatterns = [path("", include("openedx_plugin.urls")), *workbench_urls]
