"""The medical assistants' screens: requests, agenda, appointments, employees to convene,
care network."""
