from rest_framework.routers import DefaultRouter

from escalations.api.views import TicketViewSet

router = DefaultRouter()
router.register("tickets", TicketViewSet, basename="ticket")

urlpatterns = router.urls
