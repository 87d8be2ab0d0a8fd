"""Request and response models of the content API."""
