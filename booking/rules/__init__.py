"""The rules of the calendar: free times, the lifecycle, every change to a visit, who may
book and see what, health screening and patient records. Views, admin and tasks call these."""
