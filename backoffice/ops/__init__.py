"""The ops layer: runs service calls off the GUI thread, each with its own unit of work,
and brings back results, progress, errors and change notifications as Qt signals."""
