"""Review of the changes members submit on the portal.

``fields`` names and checks each submittable field; ``records`` reads what the record holds
now; ``assessment`` compares both (differences, conflicts, problems, consequences);
``queue`` lists the pending requests; ``claims`` tells who is reviewing what;
``decisions`` approves or rejects (one request or many), ``plans`` checks and writes a
decision, ``notices`` e-mails the member the decision (through the outbox); ``apply``
applies approved changes on their effective date; ``scheduled`` lists a member's approved
changes still to come.
"""
