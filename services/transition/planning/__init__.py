"""A migration's plan: legacy sections mapped to channels, and a decision for every legacy URL."""
