# example/ is a team's test folder, run by test_plugin.py in a pytest of its own against a lab
# project (it needs --harness-project): never collected by this repository's suite.
collect_ignore = ["example"]
