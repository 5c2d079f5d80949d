import xml.etree.ElementTree as ET
from xml.etree.ElementTree import fromstring


def titles(data):
    return [item.text for item in fromstring(data).iter("title")] + [ET.tostring(ET.Element("end"))]
