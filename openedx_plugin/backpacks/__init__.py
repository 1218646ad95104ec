"""
Pushing awards to backpacks and wallets: learner connections, protocol providers,
celery push tasks, and the DCC wallet exchange.

Providers are pluggable (wallet protocols drift): each kind is one class in
``providers/`` with the same connect / push / revoke surface.
"""
