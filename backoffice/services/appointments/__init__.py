"""Appointments: requests from the portal, the agenda, convocations, outcomes."""
