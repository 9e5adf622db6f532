"""The carbonctl web platform (数智化平台): a Django project with one app per capability, thin
views over services over the core. Only this package may import Django."""
