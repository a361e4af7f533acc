"""Qt widgets, dialogs and item models. Views never touch a session: they ask the ops
layer to run services in the background and display the plain data that comes back."""
