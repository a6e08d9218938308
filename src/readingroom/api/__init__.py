"""The JSON API at /api/ (django-ninja): read endpoints for everyone (restricted records for staff only),
write endpoints for staff holding an API token. The OpenAPI 3.1 description is generated from the code."""
