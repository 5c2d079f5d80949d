import pipes
from pipes import quote


def command(path):
    return "rsync -a " + pipes.quote(path) + " " + quote("/srv/app")


def template():
    return pipes.Template()
