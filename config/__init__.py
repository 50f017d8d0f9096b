"""The project's configuration: settings, root URLs, WSGI/ASGI and the site-wide sitemap.
The apps (clinic, articles, booking) hold everything else."""
