"""Qinglian (清廉): integrated supervision platform for party-member cadres."""

__version__ = "0.1.0"
