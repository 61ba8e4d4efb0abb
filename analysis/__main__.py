import sys

from analysis.commands.cli import main

sys.exit(main())
