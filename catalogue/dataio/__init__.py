"""Loading and exporting catalogue data: validated fixture loading, export in the format loaddata reads back."""
