"""Thin Telegram callbacks: each asks search and the store, then renders. No SQL, no parsing here."""
