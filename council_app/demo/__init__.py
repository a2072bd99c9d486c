"""Demo data from 서울특별시 금천구의회's real 2022–2023 facts, with sample people."""
