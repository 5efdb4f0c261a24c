"""Assignment workbooks: items placed into places × slots under rules written in words."""
