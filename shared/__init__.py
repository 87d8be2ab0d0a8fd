"""The common library of the sitegroup services: config, db, events, bus, blobs, tenancy, auth, web."""
