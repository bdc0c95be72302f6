"""Payment adapters: Stripe (gateway + webhook) and the documented test mode."""
