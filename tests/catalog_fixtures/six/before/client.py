import six
from six.moves import configparser as cp
from six.moves import http_client, queue, range, zip_longest
from six.moves.urllib.parse import urlencode, urlparse


def pairs(items):
    return list(zip_longest(items, range(3)))


def query(url, **params):
    return urlparse(url).netloc + "?" + urlencode(params)


def open_url(url):
    return six.moves.urllib.request.urlopen(url)


def make():
    return queue.Queue(), cp.ConfigParser(), http_client.HTTPSConnection, six.moves.reduce, six.text_type
