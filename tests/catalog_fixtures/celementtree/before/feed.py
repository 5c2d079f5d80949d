import xml.etree.cElementTree as ET
from xml.etree.cElementTree import fromstring


def titles(data):
    return [item.text for item in fromstring(data).iter("title")] + [ET.tostring(ET.Element("end"))]
