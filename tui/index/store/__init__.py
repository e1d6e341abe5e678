"""Where parsed reports are kept between runs: the parse cache (`cache`, the only owner of its SQL
schema), the plain-data format of its rows (`codec`), and finding and parsing report files (`loader`)."""
