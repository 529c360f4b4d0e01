"""An async storefront built with Starlette, served by uvicorn."""
