import pipes, shlex
from shlex import quote


def command(path):
    return "rsync -a " + shlex.quote(path) + " " + quote("/srv/app")


def template():
    return pipes.Template()
