-- The second database: Rasa's conversations (PLAINHEALTH_TRACKER_STORE_URL). The first is made by the image.
CREATE DATABASE tracker OWNER plainhealth;
