import six
import urllib.request
import functools
import configparser as cp
import queue
import http.client
from itertools import zip_longest
from urllib.parse import urlencode, urlparse


def pairs(items):
    return list(zip_longest(items, range(3)))


def query(url, **params):
    return urlparse(url).netloc + "?" + urlencode(params)


def open_url(url):
    return urllib.request.urlopen(url)


def make():
    return queue.Queue(), cp.ConfigParser(), http.client.HTTPSConnection, functools.reduce, six.text_type
