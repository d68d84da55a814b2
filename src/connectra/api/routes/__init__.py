"""Route modules; each builds an APIRouter over the services."""
