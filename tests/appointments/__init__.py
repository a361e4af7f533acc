"""Tests of the appointments: requests, agenda, booking rules, convocations, screens."""
