import six
import configparser as cp
import queue
from urllib.parse import urlencode, urlparse
from functools import reduce
from itertools import zip_longest
import urllib.request
import http.client


def pairs(items):
    return list(zip_longest(items, range(3)))


def query(url, **params):
    return urlparse(url).netloc + "?" + urlencode(params)


def open_url(url):
    return urllib.request.urlopen(url)


def make():
    return queue.Queue(), cp.ConfigParser(), http.client.HTTPSConnection, reduce, six.text_type
