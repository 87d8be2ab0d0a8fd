"""Where a legacy site's content comes from: a crawl of the live site, a mirror on disk, a CMS's structured export
(with a field mapping), or WordPress WXR."""
