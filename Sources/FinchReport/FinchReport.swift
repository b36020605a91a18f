/// Reports: JSON, text and SVG/HTML charts.
public enum FinchReport {}
