"""The web app: printable question lists now; the staff console and the widget's demo page later."""
