from storycam.story.tooling.cli import main

main()
