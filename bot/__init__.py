"""scobot: who said what about the Shanghai Cooperation Organization."""
