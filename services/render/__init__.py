"""站点渲染: every tenant site's pages, rendered once from content events, cached, mirrored as static HTML."""
